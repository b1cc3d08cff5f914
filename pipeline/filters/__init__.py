"""Lambda event filtering for DynamoDB stream records: the rule engine and the never-matches lint."""
