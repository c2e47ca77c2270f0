from .resource import StatusResource


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(
            StatusResource,
            '/status',
            resource_class_args=(dependencies.authenticator,),
            resource_class_kwargs={
                'auth_backend': dependencies.auth_backend,
                'reporters': dependencies.status_reporters,
            },
        )
