"""Channels turn a messaging platform's updates into service calls and results into messages."""
