"""The cache every process shares when there is no Redis: Django's database cache, with an atomic incr().

Throttle counters and the allowed-origins map live in the cache. A per-process cache (locmem)
would let each gunicorn worker count alone — two workers, twice the limit — and keep an origin
another worker just removed. The database is the one thing every process of the embedded
default (SQLite) shares, so the cache lives there (`ORDERLY_CACHE_TABLE`; the table is created by
`migrate`, see orderly/accounts/migrations/0006_cache_table.py).

Django's own `incr()` is a get then a set, so two processes counting at once both write n + 1.
Here the read and the write happen in one transaction holding the row: FOR UPDATE on PostgreSQL,
and SQLite's write lock, which the project's `BEGIN IMMEDIATE` transactions take at the start.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only quoted identifiers are formatted into the SQL; the key and value are parameters.
        select = (
            f"SELECT {quote('value')}, {quote('expires')} FROM {table} WHERE {quote('cache_key')} = %s{lock}"  # noqa: S608
        )
        update = f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s"  # noqa: S608
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(select, [key])
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            # As Django's DatabaseCache: the table holds only what this cache wrote.
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(update, [encoded, key])
        return value

    @staticmethod
    def _expired(connection, expires) -> bool:
        # As Django's get_many reads `expires`: through the backend's converters (aware or naive).
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        ):
            expires = converter(expires, expression, connection)
        return expires < now()
