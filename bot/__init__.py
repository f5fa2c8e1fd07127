"""The staff social-media policy bot for Llanidloes Schools Federation."""
