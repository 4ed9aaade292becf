import { Injectable } from '@nestjs/common';

import { InjectSettings } from '../config/inject-settings.decorator.js';
import type { Settings } from '../config/settings.js';

/** Links into the Superset web app (`SUPERSET_WEBSERVER_ADDRESS`), on Superset's own routes. */
@Injectable()
export class SupersetUrls {
  private readonly base: string;

  constructor(@InjectSettings() settings: Settings) {
    this.base = settings.SUPERSET_WEBSERVER_ADDRESS.replace(/\/+$/, '');
  }

  dashboard(id: number, slug?: string | null): string {
    return `${this.base}/superset/dashboard/${slug ? encodeURIComponent(slug) : id}/`;
  }

  chart(id: number): string {
    return `${this.base}/explore/?slice_id=${id}`;
  }

  dataset(id: number): string {
    return `${this.base}/tablemodelview/edit/${id}`;
  }

  exploreDataset(id: number): string {
    return `${this.base}/explore/?datasource_type=table&datasource_id=${id}`;
  }

  database(id: number): string {
    return `${this.base}/databaseview/edit/${id}`;
  }

  sqlLab(params: Readonly<Record<string, string | number | undefined>> = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const text = query.toString();
    return `${this.base}/sqllab/${text ? `?${text}` : ''}`;
  }
}
