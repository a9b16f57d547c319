//! Helpers shared by migrations written after the first ones.

use sea_orm_migration::prelude::*;

/// A count column: a 64-bit integer, not null, 0 by default.
pub fn counter<T: IntoIden + 'static>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

/// Creates the index `name` on `table (columns…)`.
pub async fn create_index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: &[C],
) -> Result<(), DbErr>
where
    T: IntoIden + 'static,
    C: IntoIden + Copy + 'static,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index.to_owned()).await
}

/// Drops the index `name` of `table`.
pub async fn drop_index<T: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(table).to_owned())
        .await
}

/// Replaces the index `old` of `table` by `new` on `columns`. Under a new name: SQLite refused to
/// create an index under the name of one dropped in the same migration ("already exists").
pub async fn replace_index<T, C>(
    manager: &SchemaManager<'_>,
    table: T,
    old: &str,
    new: &str,
    columns: &[C],
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
{
    create_index(manager, new, table, columns).await?;
    drop_index(manager, old, table).await
}

/// An index replaced by a wider one under a new name (see [`replace_index`]), and the way back.
pub struct Widening<C> {
    /// The index replaced.
    narrow: &'static str,
    /// Its columns.
    narrow_columns: Vec<C>,
    /// The wider index.
    wide: &'static str,
    /// Its columns.
    wide_columns: Vec<C>,
}

impl<C: Copy> Widening<C> {
    /// `narrow` on `columns`, replaced by `wide` on the same columns followed by `extra`.
    pub fn by(narrow: &'static str, wide: &'static str, columns: &[C], extra: &[C]) -> Self {
        Self {
            narrow,
            narrow_columns: columns.to_vec(),
            wide,
            wide_columns: [columns, extra].concat(),
        }
    }
}

/// Replaces each narrow index of `table` by its wide one, in order.
pub async fn widen_indexes<T, C>(
    manager: &SchemaManager<'_>,
    table: T,
    widenings: &[Widening<C>],
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
{
    for w in widenings {
        replace_index(manager, table, w.narrow, w.wide, &w.wide_columns).await?;
    }
    Ok(())
}

/// Undoes [`widen_indexes`]: puts each narrow index of `table` back, in reverse order.
pub async fn narrow_indexes<T, C>(
    manager: &SchemaManager<'_>,
    table: T,
    widenings: &[Widening<C>],
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
{
    for w in widenings.iter().rev() {
        replace_index(manager, table, w.wide, w.narrow, &w.narrow_columns).await?;
    }
    Ok(())
}
