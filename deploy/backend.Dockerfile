# The backend: REST API, run queue and metric store. Build the jars first: ./mvnw -q -B -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/normlab
COPY backend/target/normlab-backend-exec.jar normlab-backend.jar
# tokens (admin-token, worker-token) are written here on the first start; the worker mounts it read-only
ENV NORMLAB_HOME=/var/lib/normlab
VOLUME /var/lib/normlab
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/normlab/normlab-backend.jar"]
