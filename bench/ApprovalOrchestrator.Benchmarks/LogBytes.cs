using System.Text;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Counts what the server's console logger writes (it takes <see cref="Console.Out"/> when it is built, so this is
/// installed before the server starts) and drops it. The benchmark's own lines go to the writer it replaced.
/// </summary>
internal sealed class LogBytes : TextWriter
{
    private long _bytes;
    private long _lines;

    public override Encoding Encoding => Encoding.UTF8;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Lines => Interlocked.Read(ref _lines);

    public override void Write(char value) => Count(value.ToString());

    public override void Write(string? value) => Count(value);

    public override void Write(char[] buffer, int index, int count) => Count(new string(buffer, index, count));

    public override void WriteLine(string? value) => Count(value + Environment.NewLine);

    private void Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Interlocked.Add(ref _bytes, Encoding.UTF8.GetByteCount(text));
        Interlocked.Add(ref _lines, text.Count(c => c == '\n'));
    }

    /// <summary>Runs <paramref name="work"/> with the console's output counted; the bench's output is restored after.</summary>
    public static async Task<(T Result, LogBytes Log)> CaptureAsync<T>(Func<Task<T>> work)
    {
        var original = Console.Out;
        var counter = new LogBytes();
        Console.SetOut(counter);
        try
        {
            return (await work(), counter);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
