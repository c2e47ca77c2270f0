import sqlalchemy as sa

from ...database.models import PJSIPEngineSection
from ...database.session import Change
from ..option_checks import check_option_mapping


class EngineSectionService:
    """The engine-wide singleton sections [global] and [system]; a PUT replaces the whole section."""

    def __init__(self, db, catalogue, section):
        self._db = db
        self._catalogue = catalogue
        self.section = section

    def get(self):
        with self._db.read_only() as session:
            lines = session.execute(
                sa.select(PJSIPEngineSection.options).where(PJSIPEngineSection.name == self.section)
            ).scalar_one()
        return dict(lines)

    def replace(self, options):
        check_option_mapping(self._catalogue, 'options', self.section, options)
        with self._db.unit_of_work() as uow:
            uow.session.execute(
                sa.update(PJSIPEngineSection)
                .where(PJSIPEngineSection.name == self.section)
                .values(options=[[key, value] for key, value in options.items()])
            )
            uow.record(Change(f'pjsip_{self.section}', 'updated'))
