import { Injectable } from '@nestjs/common';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';

/**
 * Links into the Superset web app (`SUPERSET_WEBSERVER_ADDRESS`), on routes Superset 4.1 to 6.1 all
 * serve. Datasets and databases have no page of their own there (the old `/tablemodelview/edit/N`
 * and `/databaseview/edit/N` forms are gone): they are edited from their list pages.
 */
@Injectable()
export class SupersetUrls {
  private readonly base: string;

  constructor(@InjectSettings() settings: Settings) {
    this.base = settings.SUPERSET_WEBSERVER_ADDRESS.replace(/\/+$/, '');
  }

  /** `/superset/dashboard/<slug or id>/`, as Superset's own `Dashboard.url`. */
  dashboard(id: number, slug?: string | null): string {
    return `${this.base}/superset/dashboard/${slug ? encodeURIComponent(slug) : id}/`;
  }

  chart(id: number): string {
    return `${this.base}/explore/?slice_id=${id}`;
  }

  /** The Datasets list, where Superset edits a dataset (and from Explore). */
  datasetList(): string {
    return `${this.base}/tablemodelview/list/`;
  }

  exploreDataset(id: number): string {
    return `${this.base}/explore/?datasource_type=table&datasource_id=${id}`;
  }

  /** The Databases list, where Superset edits a database connection. */
  databaseList(): string {
    return `${this.base}/databaseview/list/`;
  }

  sqlLab(params: Readonly<Record<string, string | number | undefined>> = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const text = query.toString();
    return `${this.base}/sqllab/${text ? `?${text}` : ''}`;
  }

  /** SQL Lab with a saved query loaded, as Superset 4.1 to 6.1 open it from the Saved Queries list. */
  savedQuery(id: number): string {
    return this.sqlLab({ savedQueryId: id });
  }

  /** SQL Lab with a query of the history loaded in a new tab. */
  query(id: number): string {
    return this.sqlLab({ queryId: id });
  }
}
