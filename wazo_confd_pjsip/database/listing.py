# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One page of a list: the total before paging, then the rows in the asked order (uuid breaks ties)."""
import sqlalchemy as sa


def page(session, query, model, params, search=None):
    """(total, rows) of `query` on `model`, filtered, ordered and paged as `params` (http.params.ListParams)
    says; search(term) is the SQL condition of `search=`."""
    if params.search and search is not None:
        query = query.where(search(params.search))
    for name, value in params.filters.items():
        query = query.where(getattr(model, name) == value)
    if params.uuids is not None:
        query = query.where(model.uuid.in_(params.uuids))
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    column = getattr(model, params.order)
    ordering = column.desc() if params.direction == 'desc' else column.asc()
    query = query.order_by(ordering, model.uuid).offset(params.offset).limit(params.limit)
    return total, list(session.execute(query).scalars())
