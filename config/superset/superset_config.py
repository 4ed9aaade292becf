# Superset's settings for docker-compose.yml, taken from config/deploy.env so that Superset and
# superset-mcp read the same metadata database and SECRET_KEY.
import os

SQLALCHEMY_DATABASE_URI = os.environ["SQLALCHEMY_DATABASE_URI"]
SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

_cache_redis_url = os.environ["SUPERSET_CACHE_REDIS_URL"]
CACHE_CONFIG = {
    "CACHE_TYPE": "RedisCache",
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_KEY_PREFIX": "superset_",
    "CACHE_REDIS_URL": _cache_redis_url,
}
DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "superset_data_"}

# Behind a proxy Superset builds its links from X-Forwarded-*.
ENABLE_PROXY_FIX = True
