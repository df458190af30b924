"""Backends of the tabular and server storage types.

csv, excel, parquet, sql_table, sql, s3_object and mongo_collection.
"""
