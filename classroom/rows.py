"""Model instances from a hand-written SQL query, for the few reads where the ORM's own cost
shows: the autosave, sent every few seconds by every student who is writing, and the session
every request reads.

Building and compiling a queryset costs Django 0.3–0.6 ms of Python per query, several times
what either database takes to answer these (docs/performance.md). A query written once as SQL
skips that; ``Columns`` gives it the SELECT list of a model's fields and turns its part of each
row back into an instance with the conversions the ORM would apply (SQLite's 0/1 booleans and
its datetimes made aware, decimals, …), so the instance is the one a queryset would have built.
"""

from weakref import WeakKeyDictionary

from django.db.models import Model


class Columns:
    """The concrete fields of ``model`` but ``defer``, as selected from the table alias
    ``alias``."""

    def __init__(self, model: type[Model], alias: str, *, defer: tuple[str, ...] = ()):
        self.model, self.alias = model, alias
        self.fields = [f for f in model._meta.concrete_fields if f.name not in defer]
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)
        # Per connection (each thread has its own): the ORM's converters are bound to one.
        self._converters = WeakKeyDictionary()

    # ``connection`` below is a database wrapper (``connections[alias]``, this thread's own), not
    # the ``django.db.connection`` proxy every thread shares.

    def select(self, connection) -> str:
        """``alias."column", …`` for a SELECT list."""
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def _converters_for(self, connection):
        try:
            return self._converters[connection]
        except KeyError:
            pass
        converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(self.alias)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if functions:
                converters.append((index, column, functions))
        self._converters[connection] = converters
        return converters

    def load(self, connection, row, start: int) -> Model | None:
        """The instance held in ``row[start:start + width]``; None when its primary key is
        NULL (the other side of a LEFT JOIN that found nothing)."""
        values = list(row[start : start + self.width])
        if values[self.pk_index] is None:
            return None
        for index, column, functions in self._converters_for(connection):
            for function in functions:
                values[index] = function(values[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


class Statement:
    """A SELECT written once per database vendor: ``build(connection)`` returns its text,
    with table and column names from the models and every value a parameter."""

    def __init__(self, build):
        self.build = build
        self._text: dict[str, str] = {}

    def run(self, connection, params) -> list[tuple]:
        text = self._text.get(connection.vendor)
        if text is None:
            text = self._text[connection.vendor] = self.build(connection)
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()
