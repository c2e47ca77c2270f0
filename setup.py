from setuptools import find_packages, setup

setup(
    name='wazo-confd-pjsip',
    version='1.0.0',
    description='PJSIP configuration service of a multi-tenant Wazo-style telephony platform',
    python_requires='>=3.11',
    packages=find_packages(include=['wazo_confd_pjsip', 'wazo_confd_pjsip.*']),
    package_data={
        'wazo_confd_pjsip': [
            'options/pjsip-options.json',
            'http/api.yml',
            'plugins/*/api.yml',
            'alembic/script.py.mako',
            'alembic/env.py',
            'alembic/versions/*.py',
        ],
    },
    entry_points={'console_scripts': ['wazo-confd-pjsip = wazo_confd_pjsip.cli:main']},
)
