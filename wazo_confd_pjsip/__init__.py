"""wazo-confd-pjsip: the PJSIP configuration service of a multi-tenant Wazo-style platform."""
