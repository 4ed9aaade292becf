import BetterSqlite3 from 'better-sqlite3';

export type ExampleColumnType =
  'INTEGER' | 'FLOAT' | 'VARCHAR(255)' | 'DATE' | 'DATETIME' | 'BOOLEAN';

export type ExampleValue = string | number | null;

export interface ExampleColumn {
  readonly name: string;
  readonly type: ExampleColumnType;
}

export interface ExampleTableDefinition {
  readonly name: string;
  readonly columns: readonly ExampleColumn[];
}

export interface ExampleTable extends ExampleTableDefinition {
  readonly rows: readonly (readonly ExampleValue[])[];
}

export const DEFAULT_EXAMPLES_SEED = 20240917;

export const SALES_ORDERS: ExampleTableDefinition = {
  name: 'sales_orders',
  columns: [
    { name: 'order_id', type: 'INTEGER' },
    { name: 'order_date', type: 'DATE' },
    { name: 'ship_date', type: 'DATE' },
    { name: 'region', type: 'VARCHAR(255)' },
    { name: 'country', type: 'VARCHAR(255)' },
    { name: 'city', type: 'VARCHAR(255)' },
    { name: 'product_line', type: 'VARCHAR(255)' },
    { name: 'product', type: 'VARCHAR(255)' },
    { name: 'deal_size', type: 'VARCHAR(255)' },
    { name: 'quantity', type: 'INTEGER' },
    { name: 'unit_price', type: 'FLOAT' },
    { name: 'revenue', type: 'FLOAT' },
    { name: 'status', type: 'VARCHAR(255)' },
  ],
};

export const BIRTH_NAMES: ExampleTableDefinition = {
  name: 'birth_names',
  columns: [
    { name: 'ds', type: 'DATETIME' },
    { name: 'gender', type: 'VARCHAR(255)' },
    { name: 'name', type: 'VARCHAR(255)' },
    { name: 'num', type: 'INTEGER' },
    { name: 'state', type: 'VARCHAR(255)' },
  ],
};

export const WEB_SESSIONS: ExampleTableDefinition = {
  name: 'web_sessions',
  columns: [
    { name: 'session_id', type: 'INTEGER' },
    { name: 'session_start', type: 'DATETIME' },
    { name: 'device', type: 'VARCHAR(255)' },
    { name: 'browser', type: 'VARCHAR(255)' },
    { name: 'country', type: 'VARCHAR(255)' },
    { name: 'landing_page', type: 'VARCHAR(255)' },
    { name: 'pages_viewed', type: 'INTEGER' },
    { name: 'duration_s', type: 'INTEGER' },
    { name: 'converted', type: 'BOOLEAN' },
  ],
};

export const ENERGY_FLOWS: ExampleTableDefinition = {
  name: 'energy_flows',
  columns: [
    { name: 'source', type: 'VARCHAR(255)' },
    { name: 'target', type: 'VARCHAR(255)' },
    { name: 'value', type: 'FLOAT' },
  ],
};

export const EXAMPLE_TABLE_DEFINITIONS: readonly ExampleTableDefinition[] = [
  SALES_ORDERS,
  BIRTH_NAMES,
  WEB_SESSIONS,
  ENERGY_FLOWS,
];

/** A deterministic pseudo-random source (mulberry32); never `Math.random`. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let threshold = this.next() * total;
    for (const [item, weight] of items) {
      threshold -= weight;
      if (threshold < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

const DAY_MS = 86_400_000;

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function isoDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

const SALES_GEOGRAPHY: readonly (readonly [string, string, readonly string[]])[] = [
  ['North America', 'USA', ['New York', 'San Francisco', 'Chicago', 'Boston', 'Austin', 'Seattle']],
  ['North America', 'Canada', ['Toronto', 'Vancouver', 'Montreal']],
  ['EMEA', 'United Kingdom', ['London', 'Manchester', 'Edinburgh']],
  ['EMEA', 'Germany', ['Berlin', 'Munich', 'Hamburg']],
  ['EMEA', 'France', ['Paris', 'Lyon', 'Marseille']],
  ['EMEA', 'Spain', ['Madrid', 'Barcelona']],
  ['EMEA', 'Sweden', ['Stockholm', 'Gothenburg']],
  ['APAC', 'Japan', ['Tokyo', 'Osaka']],
  ['APAC', 'Australia', ['Sydney', 'Melbourne', 'Brisbane']],
  ['APAC', 'Singapore', ['Singapore']],
  ['LATAM', 'Brazil', ['São Paulo', 'Rio de Janeiro']],
  ['LATAM', 'Mexico', ['Mexico City', 'Guadalajara']],
];

const COUNTRY_WEIGHTS: Readonly<Record<string, number>> = {
  USA: 30,
  Canada: 6,
  'United Kingdom': 9,
  Germany: 10,
  France: 8,
  Spain: 5,
  Sweden: 3,
  Japan: 7,
  Australia: 8,
  Singapore: 3,
  Brazil: 6,
  Mexico: 5,
};

const PRODUCTS: readonly (readonly [productLine: string, product: string, listPrice: number])[] = [
  ['Classic Cars', '1952 Alpine Renault 1300', 214],
  ['Classic Cars', '1962 LanciaA Delta 16V', 147],
  ['Classic Cars', '1968 Ford Mustang', 194],
  ['Classic Cars', '1972 Alfa Romeo GTA', 136],
  ['Motorcycles', '1969 Harley Davidson Ultimate Chopper', 95],
  ['Motorcycles', '1996 Moto Guzzi 1100i', 118],
  ['Motorcycles', '2003 Harley-Davidson Eagle Drag Bike', 193],
  ['Planes', '1980s Black Hawk Helicopter', 157],
  ['Planes', 'P-51-D Mustang', 84],
  ['Planes', 'Boeing X-32A JSF', 72],
  ['Ships', '18th Century Vintage Horse Carriage', 104],
  ['Ships', 'HMS Bounty', 90],
  ['Ships', 'The Titanic', 100],
  ['Trains', '1950s Chicago Surface Lines Streetcar', 62],
  ['Trains', 'Collectable Wooden Train', 100],
  ['Trucks and Buses', '1940 Ford Pickup Truck', 117],
  ['Trucks and Buses', '1957 Chevy Pickup', 118],
  ['Trucks and Buses', '1964 Mercedes Tour Bus', 122],
  ['Vintage Cars', '1911 Ford Town Car', 60],
  ['Vintage Cars', '1928 Mercedes-Benz SSK', 168],
  ['Vintage Cars', '1937 Lincoln Berline', 102],
];

const PRODUCT_LINE_WEIGHTS: Readonly<Record<string, number>> = {
  'Classic Cars': 34,
  'Vintage Cars': 21,
  Motorcycles: 12,
  'Trucks and Buses': 11,
  Planes: 11,
  Ships: 8,
  Trains: 3,
};

function generateSalesOrders(random: SeededRandom): ExampleValue[][] {
  const start = Date.UTC(2023, 0, 1);
  const days = Math.round((Date.UTC(2026, 0, 1) - start) / DAY_MS);
  const last = start + (days - 1) * DAY_MS;
  const countries = SALES_GEOGRAPHY.map((entry) => [entry, COUNTRY_WEIGHTS[entry[1]]] as const);
  const products = PRODUCTS.map(
    (product) => [product, PRODUCT_LINE_WEIGHTS[product[0]] / countInLine(product[0])] as const,
  );
  const dayWeight = (dayIndex: number): number => {
    const date = new Date(start + dayIndex * DAY_MS);
    const growth = 1 + 0.18 * (dayIndex / 365);
    const month = date.getUTCMonth();
    const season = month >= 9 ? 1.6 : month <= 1 ? 0.8 : 1;
    const weekday = date.getUTCDay();
    const week = weekday === 0 || weekday === 6 ? 0.35 : 1;
    return growth * season * week;
  };
  const maxWeight = 1.6 * (1 + 0.18 * (days / 365));

  const orders: { date: number; row: ExampleValue[] }[] = [];
  while (orders.length < 6000) {
    const dayIndex = random.int(0, days - 1);
    if (random.next() * maxWeight > dayWeight(dayIndex)) continue;
    const date = start + dayIndex * DAY_MS;
    const [region, country, cities] = random.weighted(countries);
    const city = random.pick(cities);
    const [productLine, product, listPrice] = random.weighted(products);
    const quantity = Math.max(1, Math.min(99, Math.round(35 + random.normal() * 12)));
    const unitPrice = round2(listPrice * (0.82 + random.next() * 0.3));
    const revenue = round2(quantity * unitPrice);
    const dealSize = revenue < 3000 ? 'Small' : revenue < 7000 ? 'Medium' : 'Large';
    const daysBeforeEnd = (last - date) / DAY_MS;
    const status =
      daysBeforeEnd < 21
        ? random.weighted([
            ['In Process', 6],
            ['Shipped', 3],
            ['On Hold', 1],
          ] as const)
        : random.weighted([
            ['Shipped', 88],
            ['Resolved', 3],
            ['Cancelled', 4],
            ['On Hold', 2],
            ['Disputed', 3],
          ] as const);
    const shipDate =
      status === 'Cancelled' || status === 'In Process' || status === 'On Hold'
        ? null
        : isoDate(date + random.int(1, 9) * DAY_MS);
    orders.push({
      date,
      row: [
        0,
        isoDate(date),
        shipDate,
        region,
        country,
        city,
        productLine,
        product,
        dealSize,
        quantity,
        unitPrice,
        revenue,
        status,
      ],
    });
  }
  orders.sort((a, b) => a.date - b.date);
  return orders.map(({ row }, index) => {
    row[0] = 10100 + index;
    return row;
  });
}

function countInLine(productLine: string): number {
  return PRODUCTS.filter(([line]) => line === productLine).length;
}

const BIRTH_STATES: readonly (readonly [string, number])[] = [
  ['CA', 1.9],
  ['TX', 1.4],
  ['NY', 1.2],
  ['FL', 1.0],
  ['IL', 0.8],
  ['PA', 0.7],
  ['OH', 0.65],
  ['MI', 0.6],
  ['NJ', 0.5],
  ['MA', 0.4],
];

/** name, gender, peak year, spread in years, births at peak in a reference state */
const BIRTH_NAME_TRENDS: readonly (readonly [string, 'boy' | 'girl', number, number, number])[] = [
  ['Michael', 'boy', 1975, 22, 5200],
  ['James', 'boy', 1970, 30, 3300],
  ['John', 'boy', 1965, 25, 3100],
  ['Robert', 'boy', 1965, 20, 2900],
  ['David', 'boy', 1972, 24, 3000],
  ['William', 'boy', 1985, 35, 2300],
  ['Christopher', 'boy', 1984, 14, 3900],
  ['Matthew', 'boy', 1990, 12, 3500],
  ['Daniel', 'boy', 1992, 18, 2900],
  ['Joshua', 'boy', 1992, 10, 3300],
  ['Jennifer', 'girl', 1974, 9, 6500],
  ['Jessica', 'girl', 1988, 8, 5600],
  ['Ashley', 'girl', 1990, 7, 5200],
  ['Sarah', 'girl', 1986, 12, 4000],
  ['Emily', 'girl', 2000, 10, 4200],
  ['Amanda', 'girl', 1983, 8, 3900],
  ['Elizabeth', 'girl', 1990, 30, 2200],
  ['Melissa', 'girl', 1977, 9, 3600],
  ['Stephanie', 'girl', 1985, 9, 3200],
  ['Nicole', 'girl', 1982, 9, 3000],
];

function generateBirthNames(random: SeededRandom): ExampleValue[][] {
  const rows: ExampleValue[][] = [];
  for (let year = 1970; year < 2010; year += 1) {
    const ds = `${year}-01-01 00:00:00`;
    for (const [state, stateScale] of BIRTH_STATES) {
      for (const [name, gender, peak, spread, atPeak] of BIRTH_NAME_TRENDS) {
        const trend = Math.exp(-(((year - peak) / spread) ** 2));
        const noise = 1 + random.normal() * 0.08;
        const num = Math.max(5, Math.round(atPeak * stateScale * trend * noise * 0.6));
        rows.push([ds, gender, name, num, state]);
      }
    }
  }
  return rows;
}

const SESSION_COUNTRIES: readonly (readonly [string, number])[] = [
  ['United States', 34],
  ['United Kingdom', 9],
  ['Germany', 8],
  ['India', 11],
  ['France', 6],
  ['Brazil', 6],
  ['Canada', 6],
  ['Japan', 5],
  ['Australia', 4],
  ['Spain', 4],
  ['Netherlands', 3],
  ['Mexico', 4],
];

const LANDING_PAGES: readonly (readonly [page: string, weight: number, conversion: number])[] = [
  ['/', 30, 0.03],
  ['/pricing', 12, 0.11],
  ['/features', 10, 0.05],
  ['/docs/getting-started', 9, 0.04],
  ['/blog/dashboards-in-five-minutes', 11, 0.015],
  ['/blog/sql-tips', 8, 0.01],
  ['/signup', 6, 0.32],
  ['/customers', 5, 0.06],
  ['/integrations', 5, 0.05],
  ['/contact-sales', 4, 0.18],
];

const BROWSERS_BY_DEVICE: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  Desktop: [
    ['Chrome', 62],
    ['Edge', 14],
    ['Safari', 12],
    ['Firefox', 12],
  ],
  Mobile: [
    ['Chrome', 48],
    ['Safari', 40],
    ['Samsung Internet', 9],
    ['Firefox', 3],
  ],
  Tablet: [
    ['Safari', 58],
    ['Chrome', 38],
    ['Firefox', 4],
  ],
};

/** relative traffic by UTC hour of day */
const HOURLY_TRAFFIC = [
  2, 1.5, 1.2, 1, 1, 1.3, 2, 3.5, 5, 6.5, 7, 7.2, 7, 7.1, 7.3, 7, 6.5, 6, 5.5, 5, 4.6, 4, 3.2, 2.5,
];

function generateWebSessions(random: SeededRandom): ExampleValue[][] {
  const start = Date.UTC(2025, 6, 1);
  const days = Math.round((Date.UTC(2026, 0, 1) - start) / DAY_MS);
  const hourly = HOURLY_TRAFFIC.map((weight, hour) => [hour, weight] as const);
  const pages = LANDING_PAGES.map((page) => [page, page[1]] as const);
  const sessions: { at: number; row: ExampleValue[] }[] = [];
  while (sessions.length < 10000) {
    const dayIndex = random.int(0, days - 1);
    const dayStart = start + dayIndex * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const dayWeight = (weekday === 0 || weekday === 6 ? 0.6 : 1) * (1 + dayIndex / days / 2);
    if (random.next() * 1.5 > dayWeight) continue;
    const at = dayStart + random.weighted(hourly) * 3_600_000 + random.int(0, 3599) * 1000;
    const device = random.weighted([
      ['Desktop', 52],
      ['Mobile', 40],
      ['Tablet', 8],
    ] as const);
    const browser = random.weighted(BROWSERS_BY_DEVICE[device]);
    const country = random.weighted(SESSION_COUNTRIES);
    const [landingPage, , conversion] = random.weighted(pages);
    const bounced = random.next() < (device === 'Mobile' ? 0.48 : 0.38);
    const pagesViewed = bounced
      ? 1
      : Math.min(40, 2 + Math.floor(-Math.log(1 - random.next()) * 4));
    const durationS = bounced
      ? random.int(2, 45)
      : Math.round(pagesViewed * (35 + random.next() * 70) + random.int(0, 60));
    const conversionChance =
      conversion * (bounced ? 0.1 : 1 + pagesViewed / 8) * (device === 'Desktop' ? 1.2 : 0.8);
    const converted = random.next() < conversionChance ? 1 : 0;
    sessions.push({
      at,
      row: [
        0,
        isoDateTime(at),
        device,
        browser,
        country,
        landingPage,
        pagesViewed,
        durationS,
        converted,
      ],
    });
  }
  sessions.sort((a, b) => a.at - b.at);
  return sessions.map(({ row }, index) => {
    row[0] = 500001 + index;
    return row;
  });
}

/** Primary energy to end uses, in quadrillion BTU; an acyclic graph for Sankey charts. */
const ENERGY_FLOW_ROWS: readonly (readonly [string, string, number])[] = [
  ['Solar', 'Electricity Generation', 2.21],
  ['Nuclear', 'Electricity Generation', 8.05],
  ['Hydro', 'Electricity Generation', 2.58],
  ['Wind', 'Electricity Generation', 4.28],
  ['Geothermal', 'Electricity Generation', 0.16],
  ['Natural Gas', 'Electricity Generation', 12.4],
  ['Coal', 'Electricity Generation', 8.97],
  ['Biomass', 'Electricity Generation', 0.41],
  ['Petroleum', 'Electricity Generation', 0.19],
  ['Solar', 'Residential', 0.41],
  ['Solar', 'Commercial', 0.13],
  ['Solar', 'Industrial', 0.05],
  ['Geothermal', 'Residential', 0.04],
  ['Geothermal', 'Commercial', 0.02],
  ['Natural Gas', 'Residential', 5.01],
  ['Natural Gas', 'Commercial', 3.62],
  ['Natural Gas', 'Industrial', 10.2],
  ['Natural Gas', 'Transportation', 1.21],
  ['Natural Gas', 'Hydrogen Production', 0.44],
  ['Coal', 'Industrial', 0.8],
  ['Coal', 'Commercial', 0.01],
  ['Biomass', 'Residential', 0.46],
  ['Biomass', 'Commercial', 0.12],
  ['Biomass', 'Industrial', 2.26],
  ['Biomass', 'Transportation', 1.53],
  ['Petroleum', 'Residential', 0.91],
  ['Petroleum', 'Commercial', 0.93],
  ['Petroleum', 'Industrial', 9.02],
  ['Petroleum', 'Transportation', 24.6],
  ['Electricity Generation', 'Residential', 5.07],
  ['Electricity Generation', 'Commercial', 4.68],
  ['Electricity Generation', 'Industrial', 3.49],
  ['Electricity Generation', 'Transportation', 0.03],
  ['Electricity Generation', 'Hydrogen Production', 0.05],
  ['Electricity Generation', 'Conversion Losses', 24.1],
  ['Hydrogen Production', 'Industrial', 0.31],
  ['Hydrogen Production', 'Transportation', 0.02],
  ['Hydrogen Production', 'Conversion Losses', 0.16],
  ['Residential', 'Space Heating', 4.71],
  ['Residential', 'Water Heating', 1.82],
  ['Residential', 'Cooling', 1.02],
  ['Residential', 'Lighting & Appliances', 2.38],
  ['Residential', 'Conversion Losses', 1.97],
  ['Commercial', 'Space Heating', 2.63],
  ['Commercial', 'Cooling', 1.24],
  ['Commercial', 'Lighting & Appliances', 2.55],
  ['Commercial', 'Office Equipment', 0.86],
  ['Commercial', 'Conversion Losses', 2.23],
  ['Industrial', 'Process Heat', 11.4],
  ['Industrial', 'Machine Drive', 4.28],
  ['Industrial', 'Feedstock', 5.12],
  ['Industrial', 'Conversion Losses', 5.33],
  ['Transportation', 'Passenger Vehicles', 7.41],
  ['Transportation', 'Freight Trucks', 3.06],
  ['Transportation', 'Aviation', 1.62],
  ['Transportation', 'Rail', 0.24],
  ['Transportation', 'Shipping', 0.61],
  ['Transportation', 'Conversion Losses', 14.45],
  ['Conversion Losses', 'Rejected Energy', 48.24],
  ['Feedstock', 'Plastics & Chemicals', 5.12],
];

/** Generates every examples table; the same seed always yields the same rows. */
export function generateExampleTables(seed = DEFAULT_EXAMPLES_SEED): ExampleTable[] {
  const random = new SeededRandom(seed);
  return [
    { ...SALES_ORDERS, rows: generateSalesOrders(random) },
    { ...BIRTH_NAMES, rows: generateBirthNames(random) },
    { ...WEB_SESSIONS, rows: generateWebSessions(random) },
    { ...ENERGY_FLOWS, rows: ENERGY_FLOW_ROWS.map((row) => [...row]) },
  ];
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Writes the examples tables into a SQLite file (replacing tables of the same name). */
export function createExamplesDatabase(file: string, seed = DEFAULT_EXAMPLES_SEED): void {
  const db = new BetterSqlite3(file);
  try {
    for (const table of generateExampleTables(seed)) {
      const name = quoteIdentifier(table.name);
      const columns = table.columns.map((column) => quoteIdentifier(column.name));
      db.transaction(() => {
        db.exec(`DROP TABLE IF EXISTS ${name}`);
        db.exec(
          `CREATE TABLE ${name} (${table.columns
            .map((column) => `${quoteIdentifier(column.name)} ${column.type}`)
            .join(', ')})`,
        );
        const insert = db.prepare(
          `INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of table.rows) insert.run(...row);
      })();
    }
  } finally {
    db.close();
  }
}
