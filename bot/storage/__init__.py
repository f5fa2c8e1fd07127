"""Azure Table storage adapters for the domain's ports."""
