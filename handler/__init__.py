"""DynamoDB Streams handler for AWS Lambda, built on Powertools' batch utility.

The Lambda handler string is ``handler.entrypoint.lambda_handler``. This package ``__init__``
imports nothing on purpose: the entry point's cold start is measured, and every module pulled in
here would be paid for by every function.
"""

__version__ = "0.1.0"
