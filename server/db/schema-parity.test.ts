/**
 * Keeps schema.ts (SQLite) and schema-pg.ts (PostgreSQL) in step: the same tables, columns,
 * keys, indexes and foreign keys, each column kind mapped to its counterpart, and the same
 * inferred row types (that last check is made by `tsc`, i.e. `npm run typecheck`). Then, when
 * PostgreSQL is at hand, that the generated migrations/pg build exactly schema-pg.ts.
 */
import { getTableColumns, getTableName, is, SQL, type Column, type InferInsertModel, type InferSelectModel, type Table } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgTable, PgTimestamp } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTestDatabase, describePostgresTests } from '../test/pg-database.js';
import { openPostgres } from './open-pg.js';
import * as pgSchema from './schema-pg.js';
import * as sqliteSchema from './schema.js';

/** Each SQLite column kind and the PostgreSQL kinds that may stand for it. */
const KIND_MAP: Record<string, readonly string[]> = {
  SQLiteText: ['PgText'],
  SQLiteTextJson: ['PgJsonb'],
  SQLiteBoolean: ['PgBoolean'],
  SQLiteTimestamp: ['PgTimestamp'],
  SQLiteInteger: ['PgInteger', 'PgBigInt53', 'PgSerial'],
};

/** information_schema's data_type for each PostgreSQL column kind used in schema-pg.ts. */
const PG_DATA_TYPE: Record<string, string> = {
  PgText: 'text',
  PgJsonb: 'jsonb',
  PgBoolean: 'boolean',
  PgTimestamp: 'timestamp with time zone',
  PgInteger: 'integer',
  PgBigInt53: 'bigint',
  PgSerial: 'integer',
};

const sqliteTables = new Map(Object.values(sqliteSchema).filter((value) => is(value, SQLiteTable)).map((table) => [getSqliteTableConfig(table).name, table]));
const pgTables = new Map(Object.values(pgSchema).filter((value) => is(value, PgTable)).map((table) => [getPgTableConfig(table).name, table]));
const sharedTableNames = [...sqliteTables.keys()].filter((name) => pgTables.has(name)).sort();

/** What the checks read of a table's config; both dialects' configs have this shape. */
interface TableShape {
  name: string;
  columns: Column[];
  indexes: { config: { name?: string; columns: unknown[]; unique?: boolean; where?: unknown } }[];
  primaryKeys: { getName(): string; columns: Column[] }[];
  uniqueConstraints: { getName(): string | undefined; columns: Column[] }[];
  foreignKeys: { getName(): string; onDelete?: string | undefined; onUpdate?: string | undefined; reference(): { columns: Column[]; foreignTable: Table; foreignColumns: Column[] } }[];
}

function configOf(name: string, dialect: 'sqlite' | 'pg'): TableShape {
  return dialect === 'sqlite' ? getSqliteTableConfig(sqliteTables.get(name)!) : getPgTableConfig(pgTables.get(name)!);
}

/** A default as something comparable across dialects: a literal value where there is one. */
function describeDefault(column: { hasDefault: boolean; default: unknown; dataType: string }): unknown {
  if (!column.hasDefault) return 'none';
  if (column.default === undefined) return 'generated'; // autoincrement / identity / serial
  if (!is(column.default, SQL)) return { value: column.default };
  // SQLite writes JSON defaults as SQL string literals (sql`'[]'`); read them back as values.
  const text = column.default.queryChunks.map((chunk) => (chunk as { value?: unknown }).value).flat();
  const literal = text.length === 1 && typeof text[0] === 'string' ? /^'(.*)'$/s.exec(text[0]) : null;
  if (literal && column.dataType === 'json') return { value: JSON.parse(literal[1]!.replaceAll("''", "'")) as unknown };
  return 'sql expression';
}

/** Per column: its TS key, nullability, default, and column-level uniqueness, by SQL name. */
function describeColumns(table: Table): Record<string, unknown> {
  const columns: Record<string, Column> = getTableColumns(table);
  return Object.fromEntries(
    Object.entries(columns).map(([key, column]) => [
      column.name,
      { key, notNull: column.notNull, default: describeDefault(column), unique: column.isUnique ? column.uniqueName : false },
    ]),
  );
}

function primaryKeyOf(config: TableShape): { name: string | null; columns: string[] } {
  const inline = config.columns.filter((column) => column.primary).map((column) => column.name);
  if (inline.length > 0) return { name: null, columns: inline };
  const [composite, ...more] = config.primaryKeys;
  expect(more, `${config.name} declares more than one primary key`).toEqual([]);
  return composite ? { name: composite.getName(), columns: composite.columns.map((column) => column.name) } : { name: null, columns: [] };
}

function indexesOf(config: TableShape): Record<string, unknown> {
  return Object.fromEntries(
    config.indexes.map((index) => [
      index.config.name ?? 'unnamed',
      {
        columns: index.config.columns.map((column) => (is(column, SQL) ? 'sql expression' : (column as { name: string }).name)),
        unique: index.config.unique ?? false,
        partial: index.config.where !== undefined,
      },
    ]),
  );
}

function uniqueConstraintsOf(config: TableShape): Record<string, string[]> {
  return Object.fromEntries(config.uniqueConstraints.map((constraint) => [constraint.getName() ?? 'unnamed', constraint.columns.map((column) => column.name)]));
}

function foreignKeysOf(config: TableShape): Record<string, unknown> {
  return Object.fromEntries(
    config.foreignKeys.map((foreignKey) => {
      const reference = foreignKey.reference();
      return [
        foreignKey.getName(),
        {
          columns: reference.columns.map((column) => column.name),
          foreignTable: getTableName(reference.foreignTable),
          foreignColumns: reference.foreignColumns.map((column) => column.name),
          onDelete: foreignKey.onDelete ?? 'no action',
          onUpdate: foreignKey.onUpdate ?? 'no action',
        },
      ];
    }),
  );
}

describe('schema parity (schema.ts for SQLite, schema-pg.ts for PostgreSQL)', () => {
  it('has the same tables', () => {
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
  });

  it('exports each table under the same name', () => {
    const exported = (module: Record<string, unknown>) =>
      Object.entries(module)
        .filter((entry): entry is [string, Table] => is(entry[1], SQLiteTable) || is(entry[1], PgTable))
        .map(([key, table]) => `${key} → ${getTableName(table)}`)
        .sort();
    expect(exported(pgSchema)).toEqual(exported(sqliteSchema));
  });

  describe.each(sharedTableNames)('%s', (name) => {
    const sqlite = configOf(name, 'sqlite');
    const postgres = configOf(name, 'pg');

    it('has the same columns, keys, nullability, defaults and unique columns', () => {
      expect(describeColumns(pgTables.get(name)!)).toEqual(describeColumns(sqliteTables.get(name)!));
    });

    it('maps each column kind to its PostgreSQL counterpart', () => {
      const pgColumns = new Map(postgres.columns.map((column) => [column.name, column]));
      for (const column of sqlite.columns) {
        const counterpart = pgColumns.get(column.name);
        if (!counterpart) continue; // reported by the column test
        const kind: string = column.columnType;
        const allowed = KIND_MAP[kind];
        expect(allowed, `${name}.${column.name}: no PostgreSQL mapping for ${column.columnType}; add one to KIND_MAP`).toBeDefined();
        expect(allowed, `${name}.${column.name}`).toContain(counterpart.columnType);
        if (is(counterpart, PgTimestamp)) {
          expect({ withTimezone: counterpart.withTimezone, precision: counterpart.precision }, `${name}.${column.name}`).toEqual({ withTimezone: true, precision: 3 });
        }
        const autoIncrement = (column as Column & { autoIncrement?: boolean }).autoIncrement === true;
        const generated = counterpart.generatedIdentity !== undefined || counterpart.columnType === 'PgSerial';
        expect(generated, `${name}.${column.name}: autoincrement ↔ identity`).toBe(autoIncrement);
      }
    });

    it('has the same primary key', () => {
      expect(primaryKeyOf(postgres)).toEqual(primaryKeyOf(sqlite));
    });

    it('has the same indexes and unique constraints', () => {
      expect(indexesOf(postgres)).toEqual(indexesOf(sqlite));
      expect(uniqueConstraintsOf(postgres)).toEqual(uniqueConstraintsOf(sqlite));
    });

    it('has the same foreign keys', () => {
      expect(foreignKeysOf(postgres)).toEqual(foreignKeysOf(sqlite));
    });
  });

  it('infers the same row types for select and insert (checked by tsc)', () => {
    type Rows<Schema> = {
      [K in keyof Schema as Schema[K] extends Table ? K : never]: Schema[K] extends Table ? { select: InferSelectModel<Schema[K]>; insert: InferInsertModel<Schema[K]> } : never;
    };
    expectTypeOf<Rows<typeof pgSchema>>().toEqualTypeOf<Rows<typeof sqliteSchema>>();
  });
});

const describePostgres = await describePostgresTests();

describePostgres('PostgreSQL migrations (migrations/pg)', () => {
  it('build every table, column, index and foreign key of schema-pg.ts, and only those', async () => {
    const database = await createTestDatabase();
    if (!database) throw new Error('PostgreSQL answered a moment ago and no longer does');
    try {
      // Two nodes starting together: both migrate, one after the other, and both succeed.
      const opened = await Promise.all([openPostgres(database.url), openPostgres(database.url)]);
      await Promise.all(opened.map((handle) => handle.close()));

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const columns = await client.query<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO'; data_type: string; datetime_precision: number | null }>(
          `SELECT table_name, column_name, is_nullable, data_type, datetime_precision FROM information_schema.columns WHERE table_schema = 'public'`,
        );
        const indexes = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
        const foreignKeys = await client.query<{ constraint_name: string }>(
          `SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY'`,
        );

        const actual: Record<string, Record<string, unknown>> = {};
        for (const row of columns.rows) {
          const precision = row.data_type.startsWith('timestamp') ? row.datetime_precision : null;
          (actual[row.table_name] ??= {})[row.column_name] = { notNull: row.is_nullable === 'NO', dataType: row.data_type, precision };
        }
        const expected: Record<string, Record<string, unknown>> = {};
        for (const [name, table] of pgTables) {
          for (const column of getPgTableConfig(table).columns) {
            (expected[name] ??= {})[column.name] = {
              notNull: column.notNull,
              dataType: PG_DATA_TYPE[column.columnType] ?? `unmapped ${column.columnType}`,
              precision: is(column, PgTimestamp) ? (column.precision ?? 6) : null,
            };
          }
        }
        expect(actual).toEqual(expected);

        const indexNames = new Set(indexes.rows.map((row) => row.indexname));
        const expectedIndexes = [...pgTables.values()].flatMap((table) => getPgTableConfig(table).indexes.map((index) => index.config.name));
        expect(expectedIndexes.filter((indexName) => indexName === undefined || !indexNames.has(indexName))).toEqual([]);

        const expectedForeignKeys = [...pgTables.values()].flatMap((table) => getPgTableConfig(table).foreignKeys.map((foreignKey) => foreignKey.getName()));
        expect(foreignKeys.rows.map((row) => row.constraint_name).sort()).toEqual(expectedForeignKeys.sort());
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});
