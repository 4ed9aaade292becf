/** A Superset user as the service sees it: identity plus effective roles. */
export interface SupersetUser {
  readonly id: number;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly active: boolean;
  /** Direct roles ∪ roles of the user's groups, without duplicates, sorted by name. */
  readonly roles: readonly SupersetRoleRef[];
  readonly groups: readonly SupersetGroupRef[];
}

export interface SupersetRoleRef {
  readonly id: number;
  readonly name: string;
}

export interface SupersetGroupRef {
  readonly id: number;
  readonly name: string;
}
