"""The domain. Services take an AsyncSession, own their transactions and return data.

They never import `telegram`, so another channel can reuse them."""
