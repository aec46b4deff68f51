"""CMS dialect readers: list entries and paging of TRS, Hanweb and generic portals (pure functions)."""
