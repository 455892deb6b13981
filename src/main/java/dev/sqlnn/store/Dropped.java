package dev.sqlnn.store;

/**
 * What a drop deleted.
 *
 * @param versions   model rows
 * @param historyRows training log and training run rows, of the dropped versions and of trainings that never saved a model
 */
public record Dropped(int versions, int historyRows) {

    public boolean nothing() {
        return versions == 0 && historyRows == 0;
    }
}
