import { Entity, PrimaryColumn } from 'typeorm';

import { VarcharColumn } from '../superset/database/metadata-column.decorator.js';

/** What a permission applies to: a class (`Dashboard`), a menu, or an object (`[db].(id:1)`). */
@Entity({ name: 'ab_view_menu' })
export class AbViewMenu {
  @PrimaryColumn({ name: 'id', type: 'integer' })
  id!: number;

  @VarcharColumn('name', { nullable: false })
  name!: string;
}
