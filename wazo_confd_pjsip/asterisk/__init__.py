"""The Asterisk side of the service: objects, the plan of ARI changes, the ARI client, pjsip.conf text."""
