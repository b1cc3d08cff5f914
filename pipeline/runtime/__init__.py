"""Running the function: the invoker protocol, the local worker process, the deployed function."""
