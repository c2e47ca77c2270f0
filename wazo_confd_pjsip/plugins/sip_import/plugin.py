from .resource import SipImportResource
from .service import SipConfImporter


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(
            SipImportResource,
            '/asterisk/sip/import',
            resource_class_args=(dependencies.authenticator,),
            resource_class_kwargs={
                'service': SipConfImporter.from_dependencies(dependencies),
                'auth_backend': dependencies.auth_backend,
            },
        )
