import { Entity, PrimaryColumn } from 'typeorm';

import { VarcharColumn } from '../superset/database/metadata-column.decorator.js';

/** Flask-AppBuilder permission name (`can_read`, `datasource_access`, …). */
@Entity({ name: 'ab_permission' })
export class AbPermission {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('name', { nullable: false })
  name!: string;
}
