namespace ApprovalOrchestrator.Application;

/// <summary>What a use case came to: a value, or a <see cref="Refusal"/>. Never both.</summary>
public sealed class Result<T>
    where T : notnull
{
    private Result(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }

    public Refusal? Refusal { get; }

    public bool IsOk => Refusal is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Refused(Refusal refusal) => new(default, refusal);

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Refusal refusal) => Refused(refusal);
}
