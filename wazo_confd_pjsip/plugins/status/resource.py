from ...http.auth import AuthResource, required_acl


class StatusResource(AuthResource):
    @required_acl('confd.status.read')
    def get(self):
        status = dict(self.auth_backend.status())
        status['rest_api'] = {'status': 'ok'}
        for name, reporter in self.reporters.items():
            status[name] = reporter()
        return status, 200
