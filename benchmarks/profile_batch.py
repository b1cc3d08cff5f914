"""A realistic DynamoDB Streams batch of user-profile INSERTs, the benchmark's input.

The records have the shape Lambda delivers (``eventVersion`` 1.1, a float
``ApproximateCreationDateTime``, NEW_AND_OLD_IMAGES) and items a profile table holds: strings,
numbers (integers and decimals), a nested address map, a string set, a list of maps, booleans
and a null. A fixed seed makes every run, and every variant, see the same bytes.
"""

from __future__ import annotations

import random
from typing import Any

STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/user-profiles/stream/2024-11-22T15:00:00.000"
_FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim")
_LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman")
_CITIES = (("London", "GB"), ("Paris", "FR"), ("Berlin", "DE"), ("Seattle", "US"), ("Lisbon", "PT"))
_TAGS = ("beta", "newsletter", "premium", "mobile", "early-adopter", "referral", "vip", "trial")
_STATUSES = ("active", "pending", "suspended")


def profile_item(index: int, rng: random.Random) -> dict[str, Any]:
    """One profile item in DynamoDB JSON (the wire format of a stream image)."""
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    city, country = rng.choice(_CITIES)
    user_id = f"user-{index:08d}"
    return {
        "user_id": {"S": user_id},
        "email": {"S": f"{first}.{last}.{index}@example.com".lower()},
        "name": {"S": f"{first} {last}"},
        "age": {"N": str(rng.randint(18, 90))},
        "status": {"S": rng.choice(_STATUSES)},
        "created_at": {
            "S": f"2024-11-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
        },
        "balance": {"N": f"{rng.randint(0, 100000)}.{rng.randint(0, 99):02d}"},
        "email_verified": {"BOOL": rng.random() < 0.8},
        "phone": {"NULL": True},
        "tags": {"SS": sorted(rng.sample(_TAGS, rng.randint(1, 4)))},
        "address": {
            "M": {
                "street": {"S": f"{rng.randint(1, 300)} High Street"},
                "city": {"S": city},
                "postcode": {"S": f"{rng.randint(10000, 99999)}"},
                "country": {"S": country},
            }
        },
        "preferences": {
            "M": {
                "language": {"S": rng.choice(("en", "fr", "de", "pt"))},
                "marketing_opt_in": {"BOOL": rng.random() < 0.3},
                "devices": {
                    "L": [
                        {
                            "M": {
                                "kind": {"S": "phone"},
                                "last_seen": {"N": str(1732200000 + rng.randint(0, 90000))},
                            }
                        },
                        {
                            "M": {
                                "kind": {"S": "laptop"},
                                "last_seen": {"N": str(1732200000 + rng.randint(0, 90000))},
                            }
                        },
                    ]
                },
            }
        },
    }


def stream_record(index: int, rng: random.Random) -> dict[str, Any]:
    """One INSERT stream record for profile ``index``."""
    image = profile_item(index, rng)
    return {
        "eventID": f"{rng.getrandbits(128):032x}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1732290000.0 + index,
            "Keys": {"user_id": image["user_id"]},
            "NewImage": image,
            "SequenceNumber": f"{100000000000000000000 + index * 100:d}",
            "SizeBytes": 420 + rng.randint(0, 80),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": STREAM_ARN,
    }


def profile_batch(size: int = 1000, seed: int = 20241122) -> dict[str, Any]:
    """A stream event of ``size`` profile INSERTs, identical for a given seed."""
    rng = random.Random(seed)
    return {"Records": [stream_record(index, rng) for index in range(size)]}
