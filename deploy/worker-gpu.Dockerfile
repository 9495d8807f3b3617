# A GPU node agent: worker/target/normlab-worker-gpu.jar, which bundles no libtorch, on the CUDA 12.8 base image.
# Build the jars first: ./mvnw -q -B -DskipTests package. Needs the NVIDIA container toolkit on the host.
#
# On its first start DJL downloads libtorch 2.7.1 cu128 (about 2 GB, the CUDA libraries included) into
# /root/.djl.ai; docker-compose.yml keeps that on the djl-cache volume. Air-gapped: docs/gpu.md.
FROM nvidia/cuda:12.8.1-base-ubuntu24.04
# the JRE of the CPU image, without its Ubuntu
COPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH
# DJL counts GPUs through the CUDA runtime (JNA loads "cudart", i.e. libcudart.so); the base image has only
# libcudart.so.12. Without it the engine sees no GPU even with the CUDA libtorch loaded.
RUN ln -sf "$(ls /usr/local/cuda/lib64/libcudart.so.12* | head -n 1)" /usr/local/cuda/lib64/libcudart.so \
    && echo /usr/local/cuda/lib64 > /etc/ld.so.conf.d/normlab-cudart.conf && ldconfig
WORKDIR /opt/normlab
COPY worker/target/normlab-worker-gpu.jar normlab-worker.jar
# DJL picks the cu128 build of libtorch 2.7.1 (the one pytorch-jni 2.7.1-0.35.1 ships a JNI for)
ENV PYTORCH_FLAVOR=cu128
# runs train in /var/lib/normlab-worker/runs/<id>; keep it on a volume so a restarted agent resumes from its checkpoints
VOLUME /var/lib/normlab-worker
ENTRYPOINT ["java", "-Djna.library.path=/usr/local/cuda/lib64", "-XX:TieredStopAtLevel=1", "-jar", "/opt/normlab/normlab-worker.jar"]
CMD ["agent", "--device", "gpu", "--backend", "http://backend:8080", "--token-file", "/var/lib/normlab/worker-token", "--work-dir", "/var/lib/normlab-worker"]
