"""Conversations in the chat: `members` (writing to the community, choosing which one) and
`staff` (/inbox, the thread's buttons, answering, internal notes, /signature)."""
