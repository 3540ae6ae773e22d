"""Newcomers."""
