# A CPU node agent with the LLaMA trainer: worker/target/normlab-worker.jar bundles the CPU libtorch 2.7.1 and
# never uses a GPU (GPU nodes: deploy/worker-gpu.Dockerfile). Build the jars first: ./mvnw -q -B -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/normlab
COPY worker/target/normlab-worker.jar normlab-worker.jar
# runs train in /var/lib/normlab-worker/runs/<id>; keep it on a volume so a restarted agent resumes from its checkpoints
VOLUME /var/lib/normlab-worker
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-XX:TieredStopAtLevel=1", "-jar", "/opt/normlab/normlab-worker.jar"]
CMD ["agent", "--device", "cpu", "--backend", "http://backend:8080", "--token-file", "/var/lib/normlab/worker-token", "--work-dir", "/var/lib/normlab-worker"]
