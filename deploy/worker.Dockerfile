# A node agent with the LLaMA trainer. Build the jars first: ./mvnw -q -B -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/normlab
COPY worker/target/normlab-worker.jar normlab-worker.jar
# runs train in /var/lib/normlab-worker/runs/<id>; keep it on a volume so a restarted agent resumes from its checkpoints
VOLUME /var/lib/normlab-worker
ENTRYPOINT ["java", "-jar", "/opt/normlab/normlab-worker.jar"]
CMD ["agent", "--backend", "http://backend:8080", "--token-file", "/var/lib/normlab/worker-token", "--work-dir", "/var/lib/normlab-worker"]
