"""Microsoft Graph adapters (msal for app-only tokens, aiohttp for calls)."""
