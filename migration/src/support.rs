//! Helpers shared by migrations written after the first ones.

use sea_orm_migration::prelude::*;

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
