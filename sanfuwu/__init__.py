"""Sanfuwu (三服务): a district's platform for serving enterprises, residents and the grassroots."""
