"""Reading a DynamoDB stream: shards and their lineage, the one GetRecords loop, Lambda's record shape."""
