namespace Fulfilment.Orders;

internal enum PlaceOutcome
{
    Created,
    Duplicate,
    Conflict,
}
