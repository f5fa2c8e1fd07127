"""Conversation flows: one module per flow, driven by typed text and card verbs."""
