# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fills the service through its API: template chains per tenant, then endpoints spread over the tenants."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from . import dataset
from .service_process import Tenant

ENDPOINTS = '/endpoints/sip'
TEMPLATES = '/endpoints/sip/templates'


@dataclass(frozen=True)
class Endpoint:
    uuid: str
    tenant: Tenant
    body: dict


class Population:
    """What the benchmark created; grows, never shrinks, so a larger size reuses the smaller one's data."""

    def __init__(self, client, tenants, workers):
        self.client = client  # the service's API; a restarted service is given its new one
        self._tenants = tenants
        self._workers = workers
        self._leaf_templates = {}  # tenant uuid -> uuid of its t3
        self._next_serial = 0
        self.endpoints = []

    def create_templates(self):
        with ThreadPoolExecutor(self._workers) as pool:
            leaves = list(pool.map(self._create_template_chain, range(len(self._tenants))))
        self._leaf_templates = {tenant.uuid: leaf for tenant, leaf in zip(self._tenants, leaves)}

    def grow_to(self, count):
        """Create endpoints until there are `count` (concurrently: population is not what is measured)."""
        serials = range(self._next_serial, self._next_serial + max(0, count - len(self.endpoints)))
        self._next_serial = serials.stop
        with ThreadPoolExecutor(self._workers) as pool:
            self.endpoints.extend(endpoint for endpoint, _ in pool.map(self._create_endpoint, serials))

    def create_one(self):
        """(the new endpoint, elapsed ms) — for timed samples."""
        serial = self._next_serial
        self._next_serial += 1
        endpoint, elapsed_ms = self._create_endpoint(serial)
        self.endpoints.append(endpoint)
        return endpoint, elapsed_ms

    def _create_template_chain(self, tenant_index):
        tenant = self._tenants[tenant_index]
        parent = None
        for body in dataset.template_chain_bodies(tenant_index):
            templates = [{'uuid': parent}] if parent else []
            response, _ = self.client.call('POST', TEMPLATES, tenant.token, 201, json={**body, 'templates': templates})
            parent = response.json()['uuid']
        return parent

    def _create_endpoint(self, serial):
        tenant_index = serial % len(self._tenants)
        tenant = self._tenants[tenant_index]
        body = dataset.endpoint_body(serial, tenant_index, self._leaf_templates[tenant.uuid])
        response, elapsed_ms = self.client.call('POST', ENDPOINTS, tenant.token, 201, json=body)
        return Endpoint(response.json()['uuid'], tenant, body), elapsed_ms
