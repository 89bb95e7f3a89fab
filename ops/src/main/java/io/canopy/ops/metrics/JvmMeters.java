package io.canopy.ops.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * Micrometer's JVM and process binders, bound together: memory pools and buffers ({@code jvm_memory_*},
 * {@code jvm_buffer_*}), garbage collection ({@code jvm_gc_*}), threads ({@code jvm_threads_*}), class loading
 * ({@code jvm_classes_*}), CPU ({@code system_cpu_*}, {@code process_cpu_*}) and uptime
 * ({@code process_uptime_seconds}). {@link #close()} detaches the GC notification listener; bind once per registry.
 */
public final class JvmMeters implements MeterBinder, AutoCloseable {

    private final JvmGcMetrics gc = new JvmGcMetrics();

    @Override
    public void bindTo(final MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Override
    public void close() {
        gc.close();
    }
}
