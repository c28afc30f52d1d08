/**
 * The top of every PySpark script: Glue's imports when `awsglue` is there (an AWS Glue job),
 * else a small stand-in for the few Glue classes the script uses, over plain Spark (local, EMR,
 * Databricks). Below it the script is the same on both. Also the helpers generated code calls.
 */
export const PYSPARK_ADAPTER = String.raw`import contextlib
import sys
import json

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

try:
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.job import Job
    from awsglue.transforms import ApplyMapping, DropFields, DropNullFields, RenameField, SelectFields
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    ON_GLUE = True
except ImportError:
    # Plain Spark: the Glue classes this script uses, over DataFrames.
    ON_GLUE = False

    def _path(name):
        # Glue's field paths quote names holding dots with backticks, as Spark's column names do.
        return F.col(name if name.startswith("\x60") else "\x60" + name.replace("\x60", "\x60\x60") + "\x60")

    class DynamicFrame:
        def __init__(self, df):
            self._df = df

        def toDF(self):
            return self._df

        @classmethod
        def fromDF(cls, df, glue_ctx, name):
            return cls(df)

    _SPARK_TYPES = {"long": "bigint", "short": "smallint", "byte": "tinyint"}

    class ApplyMapping:
        @staticmethod
        def apply(frame, mappings, transformation_ctx=""):
            return DynamicFrame(frame.toDF().select(
                [_path(s).cast(_SPARK_TYPES.get(t, t)).alias(d) for s, _, d, t in mappings]))

    class SelectFields:
        @staticmethod
        def apply(frame, paths, transformation_ctx=""):
            return DynamicFrame(frame.toDF().select([_path(p) for p in paths]))

    class DropFields:
        @staticmethod
        def apply(frame, paths, transformation_ctx=""):
            return DynamicFrame(frame.toDF().drop(*paths))

    class RenameField:
        @staticmethod
        def apply(frame, old_name, new_name, transformation_ctx=""):
            return DynamicFrame(frame.toDF().withColumnRenamed(old_name, new_name))

    class DropNullFields:
        @staticmethod
        def apply(frame, transformation_ctx=""):
            # Fields whose every value is NULL; a frame with no rows keeps them all.
            df = frame.toDF()
            counts = df.select([F.count(_path(c)).alias(str(i)) for i, c in enumerate(df.columns)]
                               + [F.count(F.lit(1)).alias("rows")]).first()
            if counts["rows"] == 0:
                return frame
            return DynamicFrame(df.drop(*[c for i, c in enumerate(df.columns) if counts[str(i)] == 0]))

    def getResolvedOptions(argv, names):
        given = {}
        i = 1
        while i < len(argv):
            if argv[i].startswith("--") and i + 1 < len(argv):
                given[argv[i][2:]] = argv[i + 1]
                i += 2
            else:
                i += 1
        missing = [n for n in names if n not in given]
        if missing:
            raise SystemExit("missing job arguments: " + ", ".join("--" + n for n in missing))
        return {n: given[n] for n in names}

    class _Reader:
        def __init__(self, spark):
            self.spark = spark

        def from_catalog(self, database, table_name, push_down_predicate="", transformation_ctx=""):
            t = LOCAL_CATALOG[database + "." + table_name]
            location = _LOCATIONS.get(database + "." + table_name, t["location"])
            reader = self.spark.read.schema(t["schema"])
            if t["format"] == "csv":
                df = reader.options(**t["options"]).csv(location)
            elif t["format"] == "json":
                df = reader.json(location)
            else:
                df = reader.parquet(location)
            df = df.select([_path(c) for c in t["columns"]])
            return DynamicFrame(df.filter(push_down_predicate) if push_down_predicate else df)

    class _Writer:
        def from_options(self, frame, connection_type, connection_options, format, format_options=None,
                         transformation_ctx=""):
            options = dict(format_options or {})
            w = frame.toDF().write.mode("append")
            keys = connection_options.get("partitionKeys") or []
            if keys:
                w = w.partitionBy(*keys)
            # Text targets go through _write_text; Parquet is the one format written here.
            w.option("compression", options.get("compression", "snappy")).parquet(connection_options["path"])
            return frame

    class GlueContext:
        def __init__(self, sc):
            self.spark_session = SparkSession.builder.getOrCreate()
            self.create_dynamic_frame = _Reader(self.spark_session)
            self.write_dynamic_frame = _Writer()

    class Job:
        def __init__(self, glue_ctx):
            pass

        def init(self, name, args):
            pass

        def commit(self):
            pass

    class SparkContext:
        @staticmethod
        def getOrCreate():
            return None


def _arguments(defaults):
    """The job's parameters: their defaults, overridden by --name value arguments."""
    given = [n for n in defaults if "--" + n in sys.argv]
    if ON_GLUE and "--JOB_NAME" in sys.argv:
        given.append("JOB_NAME")
    return {**defaults, **getResolvedOptions(sys.argv, given)}


def _locations():
    """Plain Spark: --locations '{"db.table": "path"}' says where catalog tables' files are."""
    if "--locations" in sys.argv:
        return json.loads(sys.argv[sys.argv.index("--locations") + 1])
    return {}


_LOCATIONS = _locations()


def _col(name):
    return F.col("\x60" + name.replace("\x60", "\x60\x60") + "\x60")


def _sql_str(value):
    """A parameter's value as a Spark SQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _check_converted(df, pairs, node):
    """Stops the run when a value does not convert (as the tab does): pairs of (before, after)."""
    for before, after in pairs:
        bad = df.filter(before.isNotNull() & after.isNull()).limit(1).collect()
        if bad:
            raise ValueError(node + ": a value does not convert (" + str(bad[0]) + ")")


def _with_columns(df, new):
    """Adds or replaces columns [(name, column)], each replaced one in its place, new ones last."""
    names = [n for n, _ in new]
    lowered = {n.lower(): c for n, c in new}
    out = [lowered[c.lower()].alias(c) if c.lower() in lowered else _col(c) for c in df.columns]
    taken = {c.lower() for c in df.columns}
    out += [c.alias(n) for n, c in new if n.lower() not in taken]
    return df.select(out)


def _flatten(df, separator, max_levels):
    """Struct columns become parent<sep>child columns, each in its struct's place."""
    from pyspark.sql.types import StructType

    out = []

    def expand(column, name, data_type, level):
        if isinstance(data_type, StructType) and level < max_levels and data_type.fields:
            for f in data_type.fields:
                expand(column.getField(f.name), name + separator + f.name, f.dataType, level + 1)
        else:
            out.append(column.alias(name))

    for f in df.schema.fields:
        expand(_col(f.name), f.name, f.dataType, 0)
    return df.select(out)


@contextlib.contextmanager
def _ansi():
    """Arithmetic as DuckDB's: an integer or decimal overflow stops the run. Spark 3.5 without ANSI
    mode (its default, and Glue 5.0's) would wrap a BIGINT around or make a DECIMAL NULL instead.
    Spark fixes an expression's mode when it is parsed and analysed, so this holds for the
    expressions made inside the block only (a Derived Column's, a SQL Query's)."""
    # An expression is parsed under the thread's active session's conf (a default one if none).
    spark._jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
    before = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", "true")
    try:
        yield
    finally:
        spark.conf.set("spark.sql.ansi.enabled", before)


def _text_frame(df, kind):
    """Columns a text file cannot hold as they are, as their text (as the tab writes DuckDB's)."""
    from pyspark.sql import types as T

    plain = (T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType,
             T.DoubleType, T.StringType)
    # NDJSON keeps decimals as numbers and nested values as JSON, as the tab does.
    keep = plain + ((T.DecimalType, T.ArrayType, T.StructType, T.MapType) if kind == "json" else ())
    return df.select([_col(f.name) if isinstance(f.dataType, keep) else _col(f.name).cast("string").alias(f.name)
                      for f in df.schema.fields])


def _write_text(frame, kind, path, keys, options, transformation_ctx=""):
    """CSV as the tab writes it (RFC 4180: quotes doubled, nothing trimmed, NULL empty, "" for an
    empty string) or NDJSON with NULLs kept. Spark's own writer, on Glue as on plain Spark, so
    what the tests run is what Glue runs."""
    w = _text_frame(frame.toDF(), kind).write.mode("append")
    if keys:
        w = w.partitionBy(*keys)
    if kind == "csv":
        quote = options["quote"] or "\u0000"
        w.options(sep=options["sep"], quote=quote, escape=quote, header=options["header"],
                  nullValue="", emptyValue=(options["quote"] * 2), quoteAll=False, escapeQuotes=True,
                  ignoreLeadingWhiteSpace=False, ignoreTrailingWhiteSpace=False,
                  compression=options["compression"]).csv(path)
    else:
        w.options(ignoreNullFields=False, compression=options["compression"]).json(path)
    return frame


def sparkSqlQuery(glueContext, query, mapping, transformation_ctx):
    for alias, frame in mapping.items():
        frame.toDF().createOrReplaceTempView(alias)
    result = spark.sql(query)
    return DynamicFrame.fromDF(result, glueContext, transformation_ctx)
`;
