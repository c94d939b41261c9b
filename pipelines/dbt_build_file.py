"""dbt-duckdb plugin (profiles.yml): DuckDB opens the build file that WELLLED_BUILD_DB names.

dbt re-parses the whole project (seconds) whenever the profile's connection info differs from the one its
saved parse state was made with, and a DuckDB profile's `path` is part of that info. So the profile's `path`
holds the file's name only (the catalog name in every relation dbt writes), the same in every warehouse
folder, and this plugin gives DuckDB the whole path just before dbt-duckdb opens it: one parse state, made
by `make install`, serves a refresh into any folder.
"""

import os

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines import settings


class Plugin(BasePlugin):
    def update_connection_config(self, creds, config):
        path = settings.dbt_build_file()
        if os.path.basename(path) != creds.path:
            raise RuntimeError(f"profiles.yml: the duckdb output's path is {creds.path!r}, not the name of "
                               f"WELLLED_BUILD_DB ({path!r}): set path to that name, as profiles.yml does.")
        creds.path = path
