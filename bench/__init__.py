"""The classroom-load benchmark: ``make bench`` (``python -m bench``).

Modules: ``seed`` builds school-scale data with bulk inserts, ``pages`` lists every page of both
roles (shared with tests/test_query_counts.py), ``loadgen`` is a small asyncio HTTP/1.1 client,
``server`` starts gunicorn, ``target`` measures one database, ``__main__`` runs it all.
"""
