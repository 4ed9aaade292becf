import { describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import { SupersetUrls } from './superset-urls.service.js';

const urls = (address: string) =>
  new SupersetUrls({ SUPERSET_WEBSERVER_ADDRESS: address } as unknown as Settings);

/**
 * Every link follows a route Superset 4.1–6.1 serves (superset-frontend/src/views/routes.tsx):
 * `/superset/dashboard/:idOrSlug/`, `/explore/`, `/tablemodelview/list/`, `/databaseview/list/`,
 * `/sqllab/`. The MVC forms `/tablemodelview/edit/N` and `/databaseview/edit/N` are gone.
 */
describe(SupersetUrls.name, () => {
  const sut = urls('http://localhost:8088/');

  it('links a dashboard by its slug when it has one, as Superset does, else by id', () => {
    expect(sut.dashboard(7, 'sales-overview')).toBe(
      'http://localhost:8088/superset/dashboard/sales-overview/',
    );
    expect(sut.dashboard(7, null)).toBe('http://localhost:8088/superset/dashboard/7/');
    expect(sut.dashboard(7, '')).toBe('http://localhost:8088/superset/dashboard/7/');
    expect(sut.dashboard(7, 'a b/c')).toBe('http://localhost:8088/superset/dashboard/a%20b%2Fc/');
  });

  it('opens charts and datasets in Explore', () => {
    expect(sut.chart(3)).toBe('http://localhost:8088/explore/?slice_id=3');
    expect(sut.exploreDataset(5)).toBe(
      'http://localhost:8088/explore/?datasource_type=table&datasource_id=5',
    );
  });

  it('sends datasets and databases to their list pages, never to the removed edit forms', () => {
    expect(sut.datasetList()).toBe('http://localhost:8088/tablemodelview/list/');
    expect(sut.databaseList()).toBe('http://localhost:8088/databaseview/list/');
    const links = [sut.datasetList(), sut.databaseList(), sut.dashboard(1), sut.chart(1)];
    for (const link of links) expect(link).not.toMatch(/\/edit\//);
  });

  it('opens saved queries and history entries in SQL Lab, as its lists do', () => {
    expect(sut.savedQuery(4)).toBe('http://localhost:8088/sqllab/?savedQueryId=4');
    expect(sut.query(9)).toBe('http://localhost:8088/sqllab/?queryId=9');
  });

  it('opens SQL Lab on a database with the given context', () => {
    expect(sut.sqlLab()).toBe('http://localhost:8088/sqllab/');
    expect(sut.sqlLab({ dbid: 2, schema: 'main', sql: undefined })).toBe(
      'http://localhost:8088/sqllab/?dbid=2&schema=main',
    );
  });

  it('keeps a path prefix of the address and drops its trailing slashes', () => {
    expect(urls('https://bi.example.com/superset//').chart(1)).toBe(
      'https://bi.example.com/superset/explore/?slice_id=1',
    );
  });
});
