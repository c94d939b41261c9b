"""The trust profile site: built from each new publication, downstream of it."""

import dagster as dg

from .. import settings
from .common import BUILD_DB_POOL, OWNERS
from .publish import published_warehouse


@dg.asset(
    key=dg.AssetKey(["publication", "profiles"]),
    deps=[published_warehouse],
    group_name="publication",
    kinds={"html"},
    owners=OWNERS,
    # In the build pool like every step: the site's swap and pruning must not interleave with a publication's.
    pool=BUILD_DB_POOL,
    description="Culture and outcomes profiles: a static, offline site (index.html and one page per organisation, "
                "with charts, method notes, provenance and per-trust CSV/XLSX downloads) built from the published "
                "warehouse alone, made current at <warehouse>/published/profiles by one atomic swap. Its footer "
                "names the publication version, run and date it was built from.",
    metadata={"site": dg.MetadataValue.path(str(settings.published_dir() / "profiles" / "index.html")),
              "rebuild": "wellled profiles [--out DIR]"},
)
def profile_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # The site's modules load when it is built, not with the definitions.
    from ..profiles import published as published_tables
    from ..profiles import site

    try:
        result = site.publish_site()
    except published_tables.PublicationMissing as missing:
        raise dg.Failure(description=str(missing)) from None
    context.log.info(f"Profiles of version {result.version} at {result.folder}")
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(result.folder / "index.html")),
        "version": result.version,
        "pages": result.pages,
    })
