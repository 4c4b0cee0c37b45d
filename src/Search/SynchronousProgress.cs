namespace Apollo.Search;

/// <summary>
/// Reports on the caller's thread, in order. <see cref="Progress{T}"/> would post to the thread pool
/// in a console app, so reports could arrive late and out of order.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
