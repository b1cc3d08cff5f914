"""AWS plumbing shared by every command: ARNs, boto3 clients, the embedded moto server."""
