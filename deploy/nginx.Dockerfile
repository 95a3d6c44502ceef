# The caching proxy of compose.yaml: Debian's nginx with deploy/nginx.conf, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install --yes --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/knowledgemap-proxy/cache \
    && chown -R www-data:www-data /var/lib/knowledgemap-proxy
COPY deploy/nginx.conf /etc/nginx/knowledgemap.conf.in
RUN sed -e "s|@LISTEN@|8080|" -e "s|@UPSTREAM@|web:8000|" \
        -e "s|@RUN_DIR@|/var/lib/knowledgemap-proxy|" -e "s|@CACHE_DIR@|/var/lib/knowledgemap-proxy/cache|" \
        /etc/nginx/knowledgemap.conf.in > /etc/nginx/knowledgemap.conf
USER www-data
EXPOSE 8080
CMD ["nginx", "-c", "/etc/nginx/knowledgemap.conf"]
