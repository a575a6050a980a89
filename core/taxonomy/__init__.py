"""The tenant's taxonomy: what its cases are filed under."""
